sigma = [0] * (n + 1)
for d in range(1, n + 1):
    for m in range(d, n + 1, d):
        sigma[m] += d
print(sigma[n])

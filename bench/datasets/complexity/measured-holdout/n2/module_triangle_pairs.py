total = 0
for i in range(n):
    for j in range(i):
        total += i * j
print(total)

count = 0
for i in range(n):
    for j in range(n):
        for k in range(n):
            if (i + j + k) % 7 == 0:
                count += 1
print(count)

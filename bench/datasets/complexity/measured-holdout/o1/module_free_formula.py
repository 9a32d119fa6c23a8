total = n * (n + 1) // 2
print(total)

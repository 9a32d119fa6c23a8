count = 0
for mask in range(1 << n):
    if bin(mask).count("1") % 2 == 0:
        count += 1
print(count)

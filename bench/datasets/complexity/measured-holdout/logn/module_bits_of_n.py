x = n
bits = []
while x:
    bits.append(x & 1)
    x >>= 1
print(bits)

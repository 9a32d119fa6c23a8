def gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def lcm(a, b):
    return a // gcd(a, b) * b


a, b = map(int, input().split())
print(gcd(a, b), lcm(a, b))

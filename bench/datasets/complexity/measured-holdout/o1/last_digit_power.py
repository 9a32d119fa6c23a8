def last_digit(a, b):
    if b == 0:
        return 1
    cycle = []
    d = a % 10
    x = d
    while x not in cycle:
        cycle.append(x)
        x = (x * d) % 10
    return cycle[(b - 1) % len(cycle)]

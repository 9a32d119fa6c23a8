def multiply(a, b):
    size = len(a)
    out = [[0] * size for _ in range(size)]
    for i in range(size):
        for j in range(size):
            s = 0
            for k in range(size):
                s += a[i][k] * b[k][j]
            out[i][j] = s
    return out


def cube(m):
    return multiply(multiply(m, m), m)

def max_of_three(x, y, z):
    best = x
    if y > best:
        best = y
    if z > best:
        best = z
    return best

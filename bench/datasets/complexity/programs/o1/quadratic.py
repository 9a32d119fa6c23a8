import cmath


def solve_quadratic(a, b, c):
    if a == 0:
        if b == 0:
            return ()
        return (-c / b,)
    disc = b * b - 4 * a * c
    root = cmath.sqrt(disc)
    x1 = (-b + root) / (2 * a)
    x2 = (-b - root) / (2 * a)
    if disc >= 0:
        return (x1.real, x2.real)
    return (x1, x2)


print(solve_quadratic(1, -3, 2))
print(solve_quadratic(1, 2, 5))

def sum_first_n(n):
    # Gauss: 1 + 2 + ... + n
    return n * (n + 1) // 2


def sum_of_squares(n):
    return n * (n + 1) * (2 * n + 1) // 6


n = int(input())
print(sum_first_n(n), sum_of_squares(n))

def count_digits(n: int) -> int:
    n = abs(n)
    if n == 0:
        return 1
    count = 0
    while n > 0:
        n //= 10
        count += 1
    return count


def digit_sum(n: int) -> int:
    total = 0
    while n:
        total += n % 10
        n //= 10
    return total


print(count_digits(123456), digit_sum(123456))

def guess_number(n, compare):
    """compare(g) returns 0 if g is the pick, -1 if the pick is lower, 1 if higher."""
    low, high = 1, n
    while True:
        guess = low + (high - low) // 2
        result = compare(guess)
        if result == 0:
            return guess
        if result < 0:
            high = guess - 1
        else:
            low = guess + 1

def climb(n):
    """Ways to climb n steps taking 1 or 2 at a time (no memo)."""
    if n <= 1:
        return 1
    return climb(n - 1) + climb(n - 2)


steps = int(input())
print(climb(steps))

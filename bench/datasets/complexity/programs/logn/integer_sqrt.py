def isqrt(n):
    """Largest r with r * r <= n, by bisection on the answer."""
    if n < 2:
        return n
    left, right = 1, n // 2
    ans = 1
    while left <= right:
        mid = left + (right - left) // 2
        if mid * mid <= n:
            ans = mid
            left = mid + 1
        else:
            right = mid - 1
    return ans


print(isqrt(10 ** 12 + 5))

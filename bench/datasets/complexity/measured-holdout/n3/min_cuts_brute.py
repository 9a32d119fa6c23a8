def min_palindrome_cuts(s):
    def is_pal(i, j):
        while i < j:
            if s[i] != s[j]:
                return False
            i += 1
            j -= 1
        return True

    n = len(s)
    cuts = [0] * (n + 1)
    cuts[0] = -1
    for end in range(1, n + 1):
        best = end - 1
        for start in range(end):
            if is_pal(start, end - 1):
                best = min(best, cuts[start] + 1)
        cuts[end] = best
    return cuts[n]

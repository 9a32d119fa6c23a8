def lcs_length(a, b):
    if not a or not b:
        return 0
    if a[-1] == b[-1]:
        return 1 + lcs_length(a[:-1], b[:-1])
    return max(lcs_length(a[:-1], b), lcs_length(a, b[:-1]))

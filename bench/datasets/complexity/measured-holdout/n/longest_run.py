def longest_run(values):
    best = 0
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        best = max(best, j - i)
        i = j
    return best

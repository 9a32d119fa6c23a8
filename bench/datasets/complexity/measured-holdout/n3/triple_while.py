def cube_count(n):
    total = 0
    i = 0
    while i < n:
        j = 0
        while j < n:
            k = 0
            while k < n:
                total += 1
                k += 1
            j += 1
        i += 1
    return total

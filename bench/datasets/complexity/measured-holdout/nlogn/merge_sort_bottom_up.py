def merge_sort(values):
    a = list(values)
    width = 1
    n = len(a)
    while width < n:
        out = []
        for lo in range(0, n, 2 * width):
            left = a[lo:lo + width]
            right = a[lo + width:lo + 2 * width]
            i = j = 0
            while i < len(left) and j < len(right):
                if left[i] <= right[j]:
                    out.append(left[i])
                    i += 1
                else:
                    out.append(right[j])
                    j += 1
            out.extend(left[i:])
            out.extend(right[j:])
        a = out
        width *= 2
    return a

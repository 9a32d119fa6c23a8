def moving_average(values, k):
    if k <= 0 or k > len(values):
        return []
    window = sum(values[:k])
    out = [window / k]
    for i in range(k, len(values)):
        window += values[i] - values[i - k]
        out.append(window / k)
    return out


print(moving_average([1, 3, 5, 7, 9, 11], 3))

def selection_sort(values):
    values = list(values)
    for i in range(len(values)):
        smallest = i
        for j in range(i + 1, len(values)):
            if values[j] < values[smallest]:
                smallest = j
        values[i], values[smallest] = values[smallest], values[i]
    return values


print(selection_sort([29, 10, 14, 37, 13]))

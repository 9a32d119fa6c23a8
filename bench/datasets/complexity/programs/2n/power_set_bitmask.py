def power_set(items):
    n = len(items)
    result = []
    for mask in range(1 << n):
        subset = [items[i] for i in range(n) if mask & (1 << i)]
        result.append(subset)
    return result


for s in power_set(["a", "b", "c"]):
    print(s)

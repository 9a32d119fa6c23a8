def knapsack(weights, values, capacity, i=0):
    if i == len(weights) or capacity == 0:
        return 0
    skip = knapsack(weights, values, capacity, i + 1)
    if weights[i] > capacity:
        return skip
    take = values[i] + knapsack(weights, values, capacity - weights[i], i + 1)
    return max(skip, take)


print(knapsack([1, 3, 4, 5], [1, 4, 5, 7], 7))

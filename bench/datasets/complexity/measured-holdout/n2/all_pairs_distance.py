def total_distance(points):
    total = 0
    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            total += abs(points[i] - points[j])
    return total

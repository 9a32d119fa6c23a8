def find_min_arrow_shots(points):
    if not points:
        return 0
    points.sort(key=lambda p: p[1])
    arrows = 1
    end = points[0][1]
    for start, finish in points[1:]:
        if start > end:
            arrows += 1
            end = finish
    return arrows


print(find_min_arrow_shots([[10, 16], [2, 8], [1, 6], [7, 12]]))

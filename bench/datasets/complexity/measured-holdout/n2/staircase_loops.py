def staircase(n):
    rows = []
    for i in range(1, n + 1):
        row = []
        for _ in range(i):
            row.append("#")
        rows.append("".join(row))
    return rows

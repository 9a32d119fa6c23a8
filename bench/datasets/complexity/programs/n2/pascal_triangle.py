def pascal(num_rows):
    rows = []
    for r in range(num_rows):
        row = [1] * (r + 1)
        for k in range(1, r):
            row[k] = rows[r - 1][k - 1] + rows[r - 1][k]
        rows.append(row)
    return rows


for row in pascal(6):
    print(row)

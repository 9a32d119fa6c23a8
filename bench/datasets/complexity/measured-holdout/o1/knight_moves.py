def knight_moves(row, col):
    offsets = [(1, 2), (2, 1), (-1, 2), (-2, 1), (1, -2), (2, -1), (-1, -2), (-2, -1)]
    count = 0
    for dr, dc in offsets:
        r, c = row + dr, col + dc
        if 0 <= r < 8 and 0 <= c < 8:
            count += 1
    return count

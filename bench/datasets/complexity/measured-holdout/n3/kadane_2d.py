def max_sum_rectangle(grid):
    rows, cols = len(grid), len(grid[0])
    best = grid[0][0]
    for top in range(rows):
        sums = [0] * cols
        for bottom in range(top, rows):
            for c in range(cols):
                sums[c] += grid[bottom][c]
            running = 0
            for c in range(cols):
                running = max(sums[c], running + sums[c])
                best = max(best, running)
    return best

def two_step_paths(adj):
    n = len(adj)
    count = 0
    for i in range(n):
        for j in range(n):
            if adj[i][j]:
                for k in range(n):
                    if adj[j][k]:
                        count += 1
    return count

def count_triangles(adj):
    """Undirected graph as an adjacency matrix of 0/1."""
    n = len(adj)
    triangles = 0
    for a in range(n):
        for b in range(a + 1, n):
            if not adj[a][b]:
                continue
            for c in range(b + 1, n):
                if adj[b][c] and adj[a][c]:
                    triangles += 1
    return triangles


graph = [
    [0, 1, 1, 0],
    [1, 0, 1, 1],
    [1, 1, 0, 1],
    [0, 1, 1, 0],
]
print(count_triangles(graph))

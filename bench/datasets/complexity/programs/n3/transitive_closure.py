def transitive_closure(n, edges):
    reach = [[i == j for j in range(n)] for i in range(n)]
    for u, v in edges:
        reach[u][v] = True
    k = 0
    while k < n:
        for i in range(n):
            if reach[i][k]:
                for j in range(n):
                    reach[i][j] = reach[i][j] or reach[k][j]
        k += 1
    return reach


closure = transitive_closure(4, [(0, 1), (1, 2), (2, 3)])
print(closure[0][3])

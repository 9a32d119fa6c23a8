def hanoi(n, source, target, spare, moves):
    if n == 0:
        return
    hanoi(n - 1, source, spare, target, moves)
    moves.append((source, target))
    hanoi(n - 1, spare, target, source, moves)


moves = []
hanoi(4, "A", "C", "B", moves)
print(len(moves), moves[:3])

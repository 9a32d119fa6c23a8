import heapq


def heap_sort(items):
    heap = []
    for x in items:
        heapq.heappush(heap, x)
    return [heapq.heappop(heap) for _ in range(len(heap))]


print(heap_sort([5, 1, 9, 3, 7, 2]))

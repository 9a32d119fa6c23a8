import heapq


def running_median(stream):
    low, high = [], []
    medians = []
    for x in stream:
        heapq.heappush(low, -x)
        heapq.heappush(high, -heapq.heappop(low))
        if len(high) > len(low):
            heapq.heappush(low, -heapq.heappop(high))
        medians.append(-low[0] if len(low) > len(high) else (-low[0] + high[0]) / 2)
    return medians

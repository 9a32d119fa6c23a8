def min_platforms(arrivals, departures):
    arrivals = sorted(arrivals)
    departures = sorted(departures)
    i = j = 0
    current = best = 0
    while i < len(arrivals):
        if arrivals[i] <= departures[j]:
            current += 1
            best = max(best, current)
            i += 1
        else:
            current -= 1
            j += 1
    return best

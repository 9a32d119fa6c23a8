def can_attend_all(intervals):
    intervals = sorted(intervals, key=lambda iv: iv[0])
    for i in range(1, len(intervals)):
        if intervals[i][0] < intervals[i - 1][1]:
            return False
    return True


print(can_attend_all([(0, 30), (5, 10), (15, 20)]))
print(can_attend_all([(7, 10), (2, 4)]))

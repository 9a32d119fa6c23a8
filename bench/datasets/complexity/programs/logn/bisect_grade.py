from bisect import bisect_right

BREAKPOINTS = [60, 70, 80, 90]
GRADES = "FDCBA"


def grade(score, breakpoints=BREAKPOINTS, grades=GRADES):
    i = bisect_right(breakpoints, score)
    return grades[i]


def insert_position(sorted_items, value):
    # position where value would be inserted to keep the list sorted
    return bisect_right(sorted_items, value)


print(grade(85), grade(59))

def quadrant(x, y):
    if x == 0 or y == 0:
        return "axis"
    if x > 0:
        return "I" if y > 0 else "IV"
    return "II" if y > 0 else "III"

def ends_equal(items):
    return len(items) > 0 and items[0] == items[-1]

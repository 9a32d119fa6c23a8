def power_set(items):
    result = [[]]
    for x in items:
        result += [subset + [x] for subset in result]
    return result

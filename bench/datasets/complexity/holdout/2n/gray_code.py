def gray_code(n):
    if n == 0:
        return [""]
    previous = gray_code(n - 1)
    return ["0" + code for code in previous] + ["1" + code for code in reversed(previous)]

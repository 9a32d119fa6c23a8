def word_break(s, words):
    if s == "":
        return True
    for end in range(1, len(s) + 1):
        if s[:end] in words and word_break(s[end:], words):
            return True
    return False

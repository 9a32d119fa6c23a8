PAIRS = {")": "(", "]": "[", "}": "{"}


def is_balanced(expr):
    stack = []
    for ch in expr:
        if ch in "([{":
            stack.append(ch)
        elif ch in PAIRS:
            if not stack or stack.pop() != PAIRS[ch]:
                return False
    return not stack


print(is_balanced("{[()()]}"), is_balanced("([)]"))

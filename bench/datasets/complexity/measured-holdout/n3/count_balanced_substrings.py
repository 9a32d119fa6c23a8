def count_balanced_substrings(s):
    count = 0
    for i in range(len(s)):
        for j in range(i + 1, len(s) + 1):
            a = b = 0
            for ch in s[i:j]:
                if ch == "a":
                    a += 1
                elif ch == "b":
                    b += 1
            if a == b:
                count += 1
    return count

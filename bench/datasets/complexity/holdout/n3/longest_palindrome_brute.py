def longest_palindrome(s):
    best = ""
    for i in range(len(s)):
        for j in range(i, len(s)):
            candidate = s[i:j + 1]
            if candidate == candidate[::-1] and len(candidate) > len(best):
                best = candidate
    return best

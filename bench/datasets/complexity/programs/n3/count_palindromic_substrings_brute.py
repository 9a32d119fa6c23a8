def is_palindrome(s, i, j):
    while i < j:
        if s[i] != s[j]:
            return False
        i += 1
        j -= 1
    return True


def count_palindromic_substrings(s):
    n = len(s)
    count = 0
    for i in range(n):
        for j in range(i, n):
            if is_palindrome(s, i, j):
                count += 1
    return count


print(count_palindromic_substrings("abaab"))

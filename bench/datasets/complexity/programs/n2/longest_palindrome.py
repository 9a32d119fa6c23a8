class Solution:
    def longestPalindrome(self, s: str) -> str:
        if len(s) < 2:
            return s
        start, best = 0, 1

        def expand(left, right):
            while left >= 0 and right < len(s) and s[left] == s[right]:
                left -= 1
                right += 1
            return left + 1, right - left - 1

        for center in range(len(s)):
            for lo, hi in ((center, center), (center, center + 1)):
                pos, length = expand(lo, hi)
                if length > best:
                    start, best = pos, length
        return s[start:start + best]


print(Solution().longestPalindrome("babad"))

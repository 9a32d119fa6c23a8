from typing import List


class Solution:
    def canPartition(self, nums: List[int]) -> bool:
        total = sum(nums)
        if total % 2:
            return False
        return self._search(nums, 0, total // 2)

    def _search(self, nums, index, remaining):
        if remaining == 0:
            return True
        if index >= len(nums) or remaining < 0:
            return False
        return self._search(nums, index + 1, remaining - nums[index]) or self._search(
            nums, index + 1, remaining
        )


print(Solution().canPartition([1, 5, 11, 5]))

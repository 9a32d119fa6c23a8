class RangeSum:
    def __init__(self, values):
        self.prefix = [0] * (len(values) + 1)
        for i, v in enumerate(values):
            self.prefix[i + 1] = self.prefix[i] + v

    def query(self, left, right):
        return self.prefix[right + 1] - self.prefix[left]


rs = RangeSum([3, 1, 4, 1, 5, 9, 2, 6])
print(rs.query(2, 5))

namespace Boomerang.Server.Dedup2D.Precision;

/// <summary>Optimal assignment (Kuhn–Munkres with potentials, O(n²m)) maximising the total similarity of a rectangular matrix.</summary>
internal static class Hungarian
{
    /// <summary>Returns, for each row, the assigned column or -1; rows ≤ columns is not required.</summary>
    public static int[] MaximiseAssignment(double[,] similarity)
    {
        var rows = similarity.GetLength(0);
        var cols = similarity.GetLength(1);
        var transpose = rows > cols;
        var n = transpose ? cols : rows;
        var m = transpose ? rows : cols;
        double Cost(int i, int j) => -(transpose ? similarity[j, i] : similarity[i, j]);

        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];
        var way = new int[m + 1];
        for (var i = 1; i <= n; i++)
        {
            p[0] = i;
            var j0 = 0;
            var minv = new double[m + 1];
            Array.Fill(minv, double.PositiveInfinity);
            var used = new bool[m + 1];
            do
            {
                used[j0] = true;
                var i0 = p[j0];
                var delta = double.PositiveInfinity;
                var j1 = 0;
                for (var j = 1; j <= m; j++)
                {
                    if (used[j])
                    {
                        continue;
                    }
                    var cur = Cost(i0 - 1, j - 1) - u[i0] - v[j];
                    if (cur < minv[j])
                    {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if (minv[j] < delta)
                    {
                        delta = minv[j];
                        j1 = j;
                    }
                }
                for (var j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            }
            while (p[j0] != 0);
            do
            {
                var j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }
        var result = new int[rows];
        Array.Fill(result, -1);
        for (var j = 1; j <= m; j++)
        {
            if (p[j] == 0)
            {
                continue;
            }
            if (transpose)
            {
                result[j - 1] = p[j] - 1;
            }
            else
            {
                result[p[j] - 1] = j - 1;
            }
        }
        return result;
    }
}

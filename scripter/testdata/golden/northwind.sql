-- pre-data
SET NOCOUNT ON;
SET ANSI_NULLS ON;
SET ANSI_PADDING ON;
SET ANSI_WARNINGS ON;
SET ARITHABORT ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET NUMERIC_ROUNDABORT OFF;
SET QUOTED_IDENTIFIER ON;
GO

-- TABLE [dbo].[Categories]
CREATE TABLE [dbo].[Categories] (
	[CategoryID] int IDENTITY(1,1) NOT NULL,
	[CategoryName] nvarchar(15) NOT NULL,
	[Description] ntext NULL,
	[Picture] image NULL,
	CONSTRAINT [PK_Categories] PRIMARY KEY CLUSTERED ([CategoryID] ASC)
);
GO

-- TABLE [dbo].[CustomerDemographics]
CREATE TABLE [dbo].[CustomerDemographics] (
	[CustomerTypeID] nchar(10) NOT NULL,
	[CustomerDesc] ntext NULL,
	CONSTRAINT [PK_CustomerDemographics] PRIMARY KEY NONCLUSTERED ([CustomerTypeID] ASC)
);
GO

-- TABLE [dbo].[Customers]
CREATE TABLE [dbo].[Customers] (
	[CustomerID] nchar(5) NOT NULL,
	[CompanyName] nvarchar(40) NOT NULL,
	[ContactName] nvarchar(30) NULL,
	[ContactTitle] nvarchar(30) NULL,
	[Address] nvarchar(60) NULL,
	[City] nvarchar(15) NULL,
	[Region] nvarchar(15) NULL,
	[PostalCode] nvarchar(10) NULL,
	[Country] nvarchar(15) NULL,
	[Phone] nvarchar(24) NULL,
	[Fax] nvarchar(24) NULL,
	CONSTRAINT [PK_Customers] PRIMARY KEY CLUSTERED ([CustomerID] ASC)
);
GO

-- TABLE [dbo].[CustomerCustomerDemo]
CREATE TABLE [dbo].[CustomerCustomerDemo] (
	[CustomerID] nchar(5) NOT NULL,
	[CustomerTypeID] nchar(10) NOT NULL,
	CONSTRAINT [PK_CustomerCustomerDemo] PRIMARY KEY NONCLUSTERED ([CustomerID] ASC, [CustomerTypeID] ASC)
);
GO

-- TABLE [dbo].[Employees]
CREATE TABLE [dbo].[Employees] (
	[EmployeeID] int IDENTITY(1,1) NOT NULL,
	[LastName] nvarchar(20) NOT NULL,
	[FirstName] nvarchar(10) NOT NULL,
	[Title] nvarchar(30) NULL,
	[TitleOfCourtesy] nvarchar(25) NULL,
	[BirthDate] datetime NULL,
	[HireDate] datetime NULL,
	[Address] nvarchar(60) NULL,
	[City] nvarchar(15) NULL,
	[Region] nvarchar(15) NULL,
	[PostalCode] nvarchar(10) NULL,
	[Country] nvarchar(15) NULL,
	[HomePhone] nvarchar(24) NULL,
	[Extension] nvarchar(4) NULL,
	[Photo] image NULL,
	[Notes] ntext NULL,
	[ReportsTo] int NULL,
	[PhotoPath] nvarchar(255) NULL,
	CONSTRAINT [PK_Employees] PRIMARY KEY CLUSTERED ([EmployeeID] ASC)
);
GO

-- TABLE [dbo].[Region]
CREATE TABLE [dbo].[Region] (
	[RegionID] int NOT NULL,
	[RegionDescription] nchar(50) NOT NULL,
	CONSTRAINT [PK_Region] PRIMARY KEY NONCLUSTERED ([RegionID] ASC)
);
GO

-- TABLE [dbo].[Shippers]
CREATE TABLE [dbo].[Shippers] (
	[ShipperID] int IDENTITY(1,1) NOT NULL,
	[CompanyName] nvarchar(40) NOT NULL,
	[Phone] nvarchar(24) NULL,
	CONSTRAINT [PK_Shippers] PRIMARY KEY CLUSTERED ([ShipperID] ASC)
);
GO

-- TABLE [dbo].[Orders]
CREATE TABLE [dbo].[Orders] (
	[OrderID] int IDENTITY(1,1) NOT NULL,
	[CustomerID] nchar(5) NULL,
	[EmployeeID] int NULL,
	[OrderDate] datetime NULL,
	[RequiredDate] datetime NULL,
	[ShippedDate] datetime NULL,
	[ShipVia] int NULL,
	[Freight] money NULL CONSTRAINT [DF_Orders_Freight] DEFAULT ((0)),
	[ShipName] nvarchar(40) NULL,
	[ShipAddress] nvarchar(60) NULL,
	[ShipCity] nvarchar(15) NULL,
	[ShipRegion] nvarchar(15) NULL,
	[ShipPostalCode] nvarchar(10) NULL,
	[ShipCountry] nvarchar(15) NULL,
	CONSTRAINT [PK_Orders] PRIMARY KEY CLUSTERED ([OrderID] ASC)
);
GO

-- TABLE [dbo].[Suppliers]
CREATE TABLE [dbo].[Suppliers] (
	[SupplierID] int IDENTITY(1,1) NOT NULL,
	[CompanyName] nvarchar(40) NOT NULL,
	[ContactName] nvarchar(30) NULL,
	[ContactTitle] nvarchar(30) NULL,
	[Address] nvarchar(60) NULL,
	[City] nvarchar(15) NULL,
	[Region] nvarchar(15) NULL,
	[PostalCode] nvarchar(10) NULL,
	[Country] nvarchar(15) NULL,
	[Phone] nvarchar(24) NULL,
	[Fax] nvarchar(24) NULL,
	[HomePage] ntext NULL,
	CONSTRAINT [PK_Suppliers] PRIMARY KEY CLUSTERED ([SupplierID] ASC)
);
GO

-- TABLE [dbo].[Products]
CREATE TABLE [dbo].[Products] (
	[ProductID] int IDENTITY(1,1) NOT NULL,
	[ProductName] nvarchar(40) NOT NULL,
	[SupplierID] int NULL,
	[CategoryID] int NULL,
	[QuantityPerUnit] nvarchar(20) NULL,
	[UnitPrice] money NULL CONSTRAINT [DF_Products_UnitPrice] DEFAULT ((0)),
	[UnitsInStock] smallint NULL CONSTRAINT [DF_Products_UnitsInStock] DEFAULT ((0)),
	[UnitsOnOrder] smallint NULL CONSTRAINT [DF_Products_UnitsOnOrder] DEFAULT ((0)),
	[ReorderLevel] smallint NULL CONSTRAINT [DF_Products_ReorderLevel] DEFAULT ((0)),
	[Discontinued] bit NOT NULL CONSTRAINT [DF_Products_Discontinued] DEFAULT ((0)),
	CONSTRAINT [PK_Products] PRIMARY KEY CLUSTERED ([ProductID] ASC)
);
GO

-- TABLE [dbo].[Order Details]
CREATE TABLE [dbo].[Order Details] (
	[OrderID] int NOT NULL,
	[ProductID] int NOT NULL,
	[UnitPrice] money NOT NULL CONSTRAINT [DF_Order_Details_UnitPrice] DEFAULT ((0)),
	[Quantity] smallint NOT NULL CONSTRAINT [DF_Order_Details_Quantity] DEFAULT ((1)),
	[Discount] real NOT NULL CONSTRAINT [DF_Order_Details_Discount] DEFAULT ((0)),
	CONSTRAINT [PK_Order_Details] PRIMARY KEY CLUSTERED ([OrderID] ASC, [ProductID] ASC)
);
GO

-- TABLE [dbo].[Territories]
CREATE TABLE [dbo].[Territories] (
	[TerritoryID] nvarchar(20) NOT NULL,
	[TerritoryDescription] nchar(50) NOT NULL,
	[RegionID] int NOT NULL,
	CONSTRAINT [PK_Territories] PRIMARY KEY NONCLUSTERED ([TerritoryID] ASC)
);
GO

-- TABLE [dbo].[EmployeeTerritories]
CREATE TABLE [dbo].[EmployeeTerritories] (
	[EmployeeID] int NOT NULL,
	[TerritoryID] nvarchar(20) NOT NULL,
	CONSTRAINT [PK_EmployeeTerritories] PRIMARY KEY NONCLUSTERED ([EmployeeID] ASC, [TerritoryID] ASC)
);
GO

-- VIEW [dbo].[Alphabetical list of products]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create view "Alphabetical list of products" AS
SELECT Products.*, Categories.CategoryName
FROM Categories INNER JOIN Products ON Categories.CategoryID = Products.CategoryID
WHERE (((Products.Discontinued)=0))
GO

-- VIEW [dbo].[Current Product List]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create view "Current Product List" AS
SELECT Product_List.ProductID, Product_List.ProductName
FROM Products AS Product_List
WHERE (((Product_List.Discontinued)=0))
--ORDER BY Product_List.ProductName
GO

-- VIEW [dbo].[Customer and Suppliers by City]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create view "Customer and Suppliers by City" AS
SELECT City, CompanyName, ContactName, 'Customers' AS Relationship 
FROM Customers
UNION SELECT City, CompanyName, ContactName, 'Suppliers'
FROM Suppliers
--ORDER BY City, CompanyName
GO

-- VIEW [dbo].[Order Details Extended]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create view "Order Details Extended" AS
SELECT "Order Details".OrderID, "Order Details".ProductID, Products.ProductName, 
	"Order Details".UnitPrice, "Order Details".Quantity, "Order Details".Discount, 
	(CONVERT(money,("Order Details".UnitPrice*Quantity*(1-Discount)/100))*100) AS ExtendedPrice
FROM Products INNER JOIN "Order Details" ON Products.ProductID = "Order Details".ProductID
--ORDER BY "Order Details".OrderID
GO

-- VIEW [dbo].[Order Subtotals]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create view "Order Subtotals" AS
SELECT "Order Details".OrderID, Sum(CONVERT(money,("Order Details".UnitPrice*Quantity*(1-Discount)/100))*100) AS Subtotal
FROM "Order Details"
GROUP BY "Order Details".OrderID
GO

-- VIEW [dbo].[Orders Qry]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create view "Orders Qry" AS
SELECT Orders.OrderID, Orders.CustomerID, Orders.EmployeeID, Orders.OrderDate, Orders.RequiredDate, 
	Orders.ShippedDate, Orders.ShipVia, Orders.Freight, Orders.ShipName, Orders.ShipAddress, Orders.ShipCity, 
	Orders.ShipRegion, Orders.ShipPostalCode, Orders.ShipCountry, 
	Customers.CompanyName, Customers.Address, Customers.City, Customers.Region, Customers.PostalCode, Customers.Country
FROM Customers INNER JOIN Orders ON Customers.CustomerID = Orders.CustomerID
GO

-- VIEW [dbo].[Products Above Average Price]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create view "Products Above Average Price" AS
SELECT Products.ProductName, Products.UnitPrice
FROM Products
WHERE Products.UnitPrice>(SELECT AVG(UnitPrice) From Products)
--ORDER BY Products.UnitPrice DESC
GO

-- VIEW [dbo].[Sales Totals by Amount]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create view "Sales Totals by Amount" AS
SELECT "Order Subtotals".Subtotal AS SaleAmount, Orders.OrderID, Customers.CompanyName, Orders.ShippedDate
FROM 	Customers INNER JOIN 
		(Orders INNER JOIN "Order Subtotals" ON Orders.OrderID = "Order Subtotals".OrderID) 
	ON Customers.CustomerID = Orders.CustomerID
WHERE ("Order Subtotals".Subtotal >2500) AND (Orders.ShippedDate BETWEEN '19970101' And '19971231')
GO

-- VIEW [dbo].[Summary of Sales by Year]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create view "Summary of Sales by Year" AS
SELECT Orders.ShippedDate, Orders.OrderID, "Order Subtotals".Subtotal
FROM Orders INNER JOIN "Order Subtotals" ON Orders.OrderID = "Order Subtotals".OrderID
WHERE Orders.ShippedDate IS NOT NULL
--ORDER BY Orders.ShippedDate
GO

-- PROCEDURE [dbo].[CustOrderHist]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE CustOrderHist @CustomerID nchar(5)
AS
SELECT ProductName, Total=SUM(Quantity)
FROM Products P, [Order Details] OD, Orders O, Customers C
WHERE C.CustomerID = @CustomerID
AND C.CustomerID = O.CustomerID AND O.OrderID = OD.OrderID AND OD.ProductID = P.ProductID
GROUP BY ProductName
GO

-- PROCEDURE [dbo].[CustOrdersDetail]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE CustOrdersDetail @OrderID int
AS
SELECT ProductName,
    UnitPrice=ROUND(Od.UnitPrice, 2),
    Quantity,
    Discount=CONVERT(int, Discount * 100), 
    ExtendedPrice=ROUND(CONVERT(money, Quantity * (1 - Discount) * Od.UnitPrice), 2)
FROM Products P, [Order Details] Od
WHERE Od.ProductID = P.ProductID and Od.OrderID = @OrderID
GO

-- PROCEDURE [dbo].[CustOrdersOrders]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE CustOrdersOrders @CustomerID nchar(5)
AS
SELECT OrderID, 
	OrderDate,
	RequiredDate,
	ShippedDate
FROM Orders
WHERE CustomerID = @CustomerID
ORDER BY OrderID
GO

-- PROCEDURE [dbo].[Employee Sales by Country]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create procedure "Employee Sales by Country" 
@Beginning_Date DateTime, @Ending_Date DateTime AS
SELECT Employees.Country, Employees.LastName, Employees.FirstName, Orders.ShippedDate, Orders.OrderID, "Order Subtotals".Subtotal AS SaleAmount
FROM Employees INNER JOIN 
	(Orders INNER JOIN "Order Subtotals" ON Orders.OrderID = "Order Subtotals".OrderID) 
	ON Employees.EmployeeID = Orders.EmployeeID
WHERE Orders.ShippedDate Between @Beginning_Date And @Ending_Date
GO

-- PROCEDURE [dbo].[Sales by Year]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create procedure "Sales by Year" 
	@Beginning_Date DateTime, @Ending_Date DateTime AS
SELECT Orders.ShippedDate, Orders.OrderID, "Order Subtotals".Subtotal, DATENAME(yy,ShippedDate) AS Year
FROM Orders INNER JOIN "Order Subtotals" ON Orders.OrderID = "Order Subtotals".OrderID
WHERE Orders.ShippedDate Between @Beginning_Date And @Ending_Date
GO

-- PROCEDURE [dbo].[SalesByCategory]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DECLARE @definition nvarchar(max) = N'';
SET @definition += N'CREATE PROCEDURE SalesByCategory'+NCHAR(10);
SET @definition += N'    @CategoryName nvarchar(15), @OrdYear nvarchar(4) = ''1998'''+NCHAR(10);
SET @definition += N'AS'+NCHAR(10);
SET @definition += N'IF @OrdYear != ''1996'' AND @OrdYear != ''1997'' AND @OrdYear != ''1998'' '+NCHAR(10);
SET @definition += N'BEGIN'+NCHAR(10);
SET @definition += N'	SELECT @OrdYear = ''1998'''+NCHAR(10);
SET @definition += N'END'+NCHAR(10);
SET @definition += NCHAR(10);
SET @definition += N'SELECT ProductName,'+NCHAR(10);
SET @definition += N'	TotalPurchase=ROUND(SUM(CONVERT(decimal(14,2), OD.Quantity * (1-OD.Discount) * OD.UnitPrice)), 0)'+NCHAR(10);
SET @definition += N'FROM [Order Details] OD, Orders O, Products P, Categories C'+NCHAR(10);
SET @definition += N'WHERE OD.OrderID = O.OrderID '+NCHAR(10);
SET @definition += N'	AND OD.ProductID = P.ProductID '+NCHAR(10);
SET @definition += N'	AND P.CategoryID = C.CategoryID'+NCHAR(10);
SET @definition += N'	AND C.CategoryName = @CategoryName'+NCHAR(10);
SET @definition += N'	AND SUBSTRING(CONVERT(nvarchar(22), O.OrderDate, 111), 1, 4) = @OrdYear'+NCHAR(10);
SET @definition += N'GROUP BY ProductName'+NCHAR(10);
SET @definition += N'ORDER BY ProductName'+NCHAR(10);
EXEC sys.sp_executesql @definition;
GO

-- PROCEDURE [dbo].[Ten Most Expensive Products]
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
create procedure "Ten Most Expensive Products" AS
SET ROWCOUNT 10
SELECT Products.ProductName AS TenMostExpensiveProducts, Products.UnitPrice
FROM Products
ORDER BY Products.UnitPrice DESC
GO

-- (data section)

-- post-data
SET NOCOUNT ON;
SET ANSI_NULLS ON;
SET ANSI_PADDING ON;
SET ANSI_WARNINGS ON;
SET ARITHABORT ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET NUMERIC_ROUNDABORT OFF;
SET QUOTED_IDENTIFIER ON;
GO

-- INDEX [CategoryName] ON [dbo].[Categories]
CREATE NONCLUSTERED INDEX [CategoryName] ON [dbo].[Categories] ([CategoryName] ASC);
GO

-- INDEX [City] ON [dbo].[Customers]
CREATE NONCLUSTERED INDEX [City] ON [dbo].[Customers] ([City] ASC);
GO

-- INDEX [CompanyName] ON [dbo].[Customers]
CREATE NONCLUSTERED INDEX [CompanyName] ON [dbo].[Customers] ([CompanyName] ASC);
GO

-- INDEX [PostalCode] ON [dbo].[Customers]
CREATE NONCLUSTERED INDEX [PostalCode] ON [dbo].[Customers] ([PostalCode] ASC);
GO

-- INDEX [Region] ON [dbo].[Customers]
CREATE NONCLUSTERED INDEX [Region] ON [dbo].[Customers] ([Region] ASC);
GO

-- INDEX [LastName] ON [dbo].[Employees]
CREATE NONCLUSTERED INDEX [LastName] ON [dbo].[Employees] ([LastName] ASC);
GO

-- INDEX [PostalCode] ON [dbo].[Employees]
CREATE NONCLUSTERED INDEX [PostalCode] ON [dbo].[Employees] ([PostalCode] ASC);
GO

-- INDEX [CustomerID] ON [dbo].[Orders]
CREATE NONCLUSTERED INDEX [CustomerID] ON [dbo].[Orders] ([CustomerID] ASC);
GO

-- INDEX [CustomersOrders] ON [dbo].[Orders]
CREATE NONCLUSTERED INDEX [CustomersOrders] ON [dbo].[Orders] ([CustomerID] ASC);
GO

-- INDEX [EmployeeID] ON [dbo].[Orders]
CREATE NONCLUSTERED INDEX [EmployeeID] ON [dbo].[Orders] ([EmployeeID] ASC);
GO

-- INDEX [EmployeesOrders] ON [dbo].[Orders]
CREATE NONCLUSTERED INDEX [EmployeesOrders] ON [dbo].[Orders] ([EmployeeID] ASC);
GO

-- INDEX [OrderDate] ON [dbo].[Orders]
CREATE NONCLUSTERED INDEX [OrderDate] ON [dbo].[Orders] ([OrderDate] ASC);
GO

-- INDEX [ShipPostalCode] ON [dbo].[Orders]
CREATE NONCLUSTERED INDEX [ShipPostalCode] ON [dbo].[Orders] ([ShipPostalCode] ASC);
GO

-- INDEX [ShippedDate] ON [dbo].[Orders]
CREATE NONCLUSTERED INDEX [ShippedDate] ON [dbo].[Orders] ([ShippedDate] ASC);
GO

-- INDEX [ShippersOrders] ON [dbo].[Orders]
CREATE NONCLUSTERED INDEX [ShippersOrders] ON [dbo].[Orders] ([ShipVia] ASC);
GO

-- INDEX [CompanyName] ON [dbo].[Suppliers]
CREATE NONCLUSTERED INDEX [CompanyName] ON [dbo].[Suppliers] ([CompanyName] ASC);
GO

-- INDEX [PostalCode] ON [dbo].[Suppliers]
CREATE NONCLUSTERED INDEX [PostalCode] ON [dbo].[Suppliers] ([PostalCode] ASC);
GO

-- INDEX [CategoriesProducts] ON [dbo].[Products]
CREATE NONCLUSTERED INDEX [CategoriesProducts] ON [dbo].[Products] ([CategoryID] ASC);
GO

-- INDEX [CategoryID] ON [dbo].[Products]
CREATE NONCLUSTERED INDEX [CategoryID] ON [dbo].[Products] ([CategoryID] ASC);
GO

-- INDEX [ProductName] ON [dbo].[Products]
CREATE NONCLUSTERED INDEX [ProductName] ON [dbo].[Products] ([ProductName] ASC);
GO

-- INDEX [SupplierID] ON [dbo].[Products]
CREATE NONCLUSTERED INDEX [SupplierID] ON [dbo].[Products] ([SupplierID] ASC);
GO

-- INDEX [SuppliersProducts] ON [dbo].[Products]
CREATE NONCLUSTERED INDEX [SuppliersProducts] ON [dbo].[Products] ([SupplierID] ASC);
GO

-- INDEX [OrderID] ON [dbo].[Order Details]
CREATE NONCLUSTERED INDEX [OrderID] ON [dbo].[Order Details] ([OrderID] ASC);
GO

-- INDEX [OrdersOrder_Details] ON [dbo].[Order Details]
CREATE NONCLUSTERED INDEX [OrdersOrder_Details] ON [dbo].[Order Details] ([OrderID] ASC);
GO

-- INDEX [ProductID] ON [dbo].[Order Details]
CREATE NONCLUSTERED INDEX [ProductID] ON [dbo].[Order Details] ([ProductID] ASC);
GO

-- INDEX [ProductsOrder_Details] ON [dbo].[Order Details]
CREATE NONCLUSTERED INDEX [ProductsOrder_Details] ON [dbo].[Order Details] ([ProductID] ASC);
GO

-- FOREIGN KEY [FK_CustomerCustomerDemo] ON [dbo].[CustomerCustomerDemo]
ALTER TABLE [dbo].[CustomerCustomerDemo] ADD CONSTRAINT [FK_CustomerCustomerDemo] FOREIGN KEY ([CustomerTypeID])
	REFERENCES [dbo].[CustomerDemographics] ([CustomerTypeID]);
GO

-- FOREIGN KEY [FK_CustomerCustomerDemo_Customers] ON [dbo].[CustomerCustomerDemo]
ALTER TABLE [dbo].[CustomerCustomerDemo] ADD CONSTRAINT [FK_CustomerCustomerDemo_Customers] FOREIGN KEY ([CustomerID])
	REFERENCES [dbo].[Customers] ([CustomerID]);
GO

-- FOREIGN KEY [FK_Employees_Employees] ON [dbo].[Employees]
ALTER TABLE [dbo].[Employees] ADD CONSTRAINT [FK_Employees_Employees] FOREIGN KEY ([ReportsTo])
	REFERENCES [dbo].[Employees] ([EmployeeID]);
GO

-- FOREIGN KEY [FK_Orders_Customers] ON [dbo].[Orders]
ALTER TABLE [dbo].[Orders] ADD CONSTRAINT [FK_Orders_Customers] FOREIGN KEY ([CustomerID])
	REFERENCES [dbo].[Customers] ([CustomerID]);
GO

-- FOREIGN KEY [FK_Orders_Employees] ON [dbo].[Orders]
ALTER TABLE [dbo].[Orders] ADD CONSTRAINT [FK_Orders_Employees] FOREIGN KEY ([EmployeeID])
	REFERENCES [dbo].[Employees] ([EmployeeID]);
GO

-- FOREIGN KEY [FK_Orders_Shippers] ON [dbo].[Orders]
ALTER TABLE [dbo].[Orders] ADD CONSTRAINT [FK_Orders_Shippers] FOREIGN KEY ([ShipVia])
	REFERENCES [dbo].[Shippers] ([ShipperID]);
GO

-- FOREIGN KEY [FK_Products_Categories] ON [dbo].[Products]
ALTER TABLE [dbo].[Products] ADD CONSTRAINT [FK_Products_Categories] FOREIGN KEY ([CategoryID])
	REFERENCES [dbo].[Categories] ([CategoryID]);
GO

-- FOREIGN KEY [FK_Products_Suppliers] ON [dbo].[Products]
ALTER TABLE [dbo].[Products] ADD CONSTRAINT [FK_Products_Suppliers] FOREIGN KEY ([SupplierID])
	REFERENCES [dbo].[Suppliers] ([SupplierID]);
GO

-- FOREIGN KEY [FK_Order_Details_Orders] ON [dbo].[Order Details]
ALTER TABLE [dbo].[Order Details] ADD CONSTRAINT [FK_Order_Details_Orders] FOREIGN KEY ([OrderID])
	REFERENCES [dbo].[Orders] ([OrderID]);
GO

-- FOREIGN KEY [FK_Order_Details_Products] ON [dbo].[Order Details]
ALTER TABLE [dbo].[Order Details] ADD CONSTRAINT [FK_Order_Details_Products] FOREIGN KEY ([ProductID])
	REFERENCES [dbo].[Products] ([ProductID]);
GO

-- FOREIGN KEY [FK_Territories_Region] ON [dbo].[Territories]
ALTER TABLE [dbo].[Territories] ADD CONSTRAINT [FK_Territories_Region] FOREIGN KEY ([RegionID])
	REFERENCES [dbo].[Region] ([RegionID]);
GO

-- FOREIGN KEY [FK_EmployeeTerritories_Employees] ON [dbo].[EmployeeTerritories]
ALTER TABLE [dbo].[EmployeeTerritories] ADD CONSTRAINT [FK_EmployeeTerritories_Employees] FOREIGN KEY ([EmployeeID])
	REFERENCES [dbo].[Employees] ([EmployeeID]);
GO

-- FOREIGN KEY [FK_EmployeeTerritories_Territories] ON [dbo].[EmployeeTerritories]
ALTER TABLE [dbo].[EmployeeTerritories] ADD CONSTRAINT [FK_EmployeeTerritories_Territories] FOREIGN KEY ([TerritoryID])
	REFERENCES [dbo].[Territories] ([TerritoryID]);
GO

-- CHECK [CK_Birthdate] ON [dbo].[Employees]
ALTER TABLE [dbo].[Employees] ADD CONSTRAINT [CK_Birthdate] CHECK ([BirthDate]<getdate());
GO

-- CHECK [CK_Products_UnitPrice] ON [dbo].[Products]
ALTER TABLE [dbo].[Products] ADD CONSTRAINT [CK_Products_UnitPrice] CHECK ([UnitPrice]>=(0));
GO

-- CHECK [CK_ReorderLevel] ON [dbo].[Products]
ALTER TABLE [dbo].[Products] ADD CONSTRAINT [CK_ReorderLevel] CHECK ([ReorderLevel]>=(0));
GO

-- CHECK [CK_UnitsInStock] ON [dbo].[Products]
ALTER TABLE [dbo].[Products] ADD CONSTRAINT [CK_UnitsInStock] CHECK ([UnitsInStock]>=(0));
GO

-- CHECK [CK_UnitsOnOrder] ON [dbo].[Products]
ALTER TABLE [dbo].[Products] ADD CONSTRAINT [CK_UnitsOnOrder] CHECK ([UnitsOnOrder]>=(0));
GO

-- CHECK [CK_Discount] ON [dbo].[Order Details]
ALTER TABLE [dbo].[Order Details] ADD CONSTRAINT [CK_Discount] CHECK ([Discount]>=(0) AND [Discount]<=(1));
GO

-- CHECK [CK_Quantity] ON [dbo].[Order Details]
ALTER TABLE [dbo].[Order Details] ADD CONSTRAINT [CK_Quantity] CHECK ([Quantity]>(0));
GO

-- CHECK [CK_UnitPrice] ON [dbo].[Order Details]
ALTER TABLE [dbo].[Order Details] ADD CONSTRAINT [CK_UnitPrice] CHECK ([UnitPrice]>=(0));
GO


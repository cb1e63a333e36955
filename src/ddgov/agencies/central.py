"""Real central-government agencies named in Thailand's digital-government programme.

(code, Thai name, English name, abbreviation, kind, parent code). Ministries first, so every
parent precedes its units. Used by the demo seeder; production loads agencies from the registry.
"""

from __future__ import annotations

M, D, P, S, I = "ministry", "department", "public_organization", "state_enterprise", "independent"

CENTRAL_AGENCIES: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    ("opm", "สำนักนายกรัฐมนตรี", "Office of the Prime Minister", "นร.", M, None),
    ("mod", "กระทรวงกลาโหม", "Ministry of Defence", "กห.", M, None),
    ("mof", "กระทรวงการคลัง", "Ministry of Finance", "กค.", M, None),
    ("mfa", "กระทรวงการต่างประเทศ", "Ministry of Foreign Affairs", "กต.", M, None),
    ("mots", "กระทรวงการท่องเที่ยวและกีฬา", "Ministry of Tourism and Sports", "กก.", M, None),
    ("msdhs", "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "Ministry of Social Development and Human Security", "พม.", M, None),
    ("mhesi", "กระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม", "Ministry of Higher Education, Science, Research and Innovation", "อว.", M, None),
    ("moac", "กระทรวงเกษตรและสหกรณ์", "Ministry of Agriculture and Cooperatives", "กษ.", M, None),
    ("mot", "กระทรวงคมนาคม", "Ministry of Transport", "คค.", M, None),
    ("mnre", "กระทรวงทรัพยากรธรรมชาติและสิ่งแวดล้อม", "Ministry of Natural Resources and Environment", "ทส.", M, None),
    ("mdes", "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", "Ministry of Digital Economy and Society", "ดศ.", M, None),
    ("moen", "กระทรวงพลังงาน", "Ministry of Energy", "พน.", M, None),
    ("moc", "กระทรวงพาณิชย์", "Ministry of Commerce", "พณ.", M, None),
    ("moi", "กระทรวงมหาดไทย", "Ministry of Interior", "มท.", M, None),
    ("moj", "กระทรวงยุติธรรม", "Ministry of Justice", "ยธ.", M, None),
    ("mol", "กระทรวงแรงงาน", "Ministry of Labour", "รง.", M, None),
    ("mculture", "กระทรวงวัฒนธรรม", "Ministry of Culture", "วธ.", M, None),
    ("moe", "กระทรวงศึกษาธิการ", "Ministry of Education", "ศธ.", M, None),
    ("moph", "กระทรวงสาธารณสุข", "Ministry of Public Health", "สธ.", M, None),
    ("moind", "กระทรวงอุตสาหกรรม", "Ministry of Industry", "อก.", M, None),
    # Office of the Prime Minister: 1111, law drafting, digital government
    ("opm-ops", "สำนักงานปลัดสำนักนายกรัฐมนตรี", "Office of the Permanent Secretary, Office of the Prime Minister", "สปน.", D, "opm"),
    ("ocs", "สำนักงานคณะกรรมการกฤษฎีกา", "Office of the Council of State", "สคก.", D, "opm"),
    ("nesdc", "สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ", "Office of the National Economic and Social Development Council", "สศช.", D, "opm"),
    ("bb", "สำนักงบประมาณ", "Bureau of the Budget", "สงป.", D, "opm"),
    ("opdc", "สำนักงานคณะกรรมการพัฒนาระบบราชการ", "Office of the Public Sector Development Commission", "สำนักงาน ก.พ.ร.", D, "opm"),
    ("dga", "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)", "Digital Government Development Agency (Public Organization)", "สพร.", P, "opm"),
    ("osmep", "สำนักงานส่งเสริมวิสาหกิจขนาดกลางและขนาดย่อม", "Office of Small and Medium Enterprises Promotion", "สสว.", P, "opm"),
    # Finance: welfare card, insurance regulator, agricultural bank
    ("fpo", "สำนักงานเศรษฐกิจการคลัง", "Fiscal Policy Office", "สศค.", D, "mof"),
    ("cgd", "กรมบัญชีกลาง", "The Comptroller General's Department", "บก.", D, "mof"),
    ("rd", "กรมสรรพากร", "The Revenue Department", "สรรพากร", D, "mof"),
    ("oic", "สำนักงานคณะกรรมการกำกับและส่งเสริมการประกอบธุรกิจประกันภัย", "Office of Insurance Commission", "คปภ.", I, "mof"),
    ("baac", "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร", "Bank for Agriculture and Agricultural Cooperatives", "ธ.ก.ส.", S, "mof"),
    # Agriculture: farmer Big Data
    ("oae", "สำนักงานเศรษฐกิจการเกษตร", "Office of Agricultural Economics", "สศก.", D, "moac"),
    ("doae", "กรมส่งเสริมการเกษตร", "Department of Agricultural Extension", "กสก.", D, "moac"),
    ("ldd", "กรมพัฒนาที่ดิน", "Land Development Department", "พด.", D, "moac"),
    # Interior: population registry, local government, utilities
    ("dopa", "กรมการปกครอง", "Department of Provincial Administration", "ปค.", D, "moi"),
    ("dla", "กรมส่งเสริมการปกครองท้องถิ่น", "Department of Local Administration", "สถ.", D, "moi"),
    ("dol", "กรมที่ดิน", "Department of Lands", "ทด.", D, "moi"),
    ("dpt", "กรมโยธาธิการและผังเมือง", "Department of Public Works and Town & Country Planning", "ยผ.", D, "moi"),
    ("mea", "การไฟฟ้านครหลวง", "Metropolitan Electricity Authority", "กฟน.", S, "moi"),
    ("pea", "การไฟฟ้าส่วนภูมิภาค", "Provincial Electricity Authority", "กฟภ.", S, "moi"),
    ("mwa", "การประปานครหลวง", "Metropolitan Waterworks Authority", "กปน.", S, "moi"),
    # Digital economy
    ("nso", "สำนักงานสถิติแห่งชาติ", "National Statistical Office", "สสช.", D, "mdes"),
    ("etda", "สำนักงานพัฒนาธุรกรรมทางอิเล็กทรอนิกส์", "Electronic Transactions Development Agency", "สพธอ.", P, "mdes"),
    ("depa", "สำนักงานส่งเสริมเศรษฐกิจดิจิทัล", "Digital Economy Promotion Agency", "ดีป้า", P, "mdes"),
    # Commerce, labour, social development
    ("dbd", "กรมพัฒนาธุรกิจการค้า", "Department of Business Development", "พค.", D, "moc"),
    ("doe", "กรมการจัดหางาน", "Department of Employment", "กกจ.", D, "mol"),
    ("dsd", "กรมพัฒนาฝีมือแรงงาน", "Department of Skill Development", "กพร.", D, "mol"),
    ("sso", "สำนักงานประกันสังคม", "Social Security Office", "สปส.", D, "mol"),
    ("dsdw", "กรมพัฒนาสังคมและสวัสดิการ", "Department of Social Development and Welfare", "พส.", D, "msdhs"),
    ("dop", "กรมกิจการผู้สูงอายุ", "Department of Older Persons", "ผส.", D, "msdhs"),
    ("dep", "กรมส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ", "Department of Empowerment of Persons with Disabilities", "พก.", D, "msdhs"),
    # Transport, health, education, environment, tourism, justice
    ("dlt", "กรมการขนส่งทางบก", "Department of Land Transport", "ขบ.", D, "mot"),
    ("moph-ops", "สำนักงานปลัดกระทรวงสาธารณสุข", "Office of the Permanent Secretary, Ministry of Public Health", "สป.สธ.", D, "moph"),
    ("obec", "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน", "Office of the Basic Education Commission", "สพฐ.", D, "moe"),
    ("pcd", "กรมควบคุมมลพิษ", "Pollution Control Department", "คพ.", D, "mnre"),
    ("tat", "การท่องเที่ยวแห่งประเทศไทย", "Tourism Authority of Thailand", "ททท.", S, "mots"),
    ("rlpd", "กรมคุ้มครองสิทธิและเสรีภาพ", "Rights and Liberties Protection Department", "คส.", D, "moj"),
)

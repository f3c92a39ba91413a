"""Word lists the name recognizer uses, kept apart so they can be reviewed and grown.

Chat is mostly lower case, so spaCy's NER finds few names; a lexicon of common
first names catches the rest. It was US-Anglo and Hispanic only; a second block
holds common names of the other communities Lantern serves (Vietnamese,
Chinese, Korean, South Asian and Nepali, Arabic and Turkish, Somali, Ethiopian
and Eritrean, Yoruba, Igbo, Hausa and Akan, Haitian, Polish, Russian and
Ukrainian, more Hispanic), and SURNAMES likewise. Names the lexicons miss are
still found after a cue when they are not English words
(recognizers.PersonRecognizer, vocabulary.EnglishWords). Names that are also
ordinary words or drug slang in this domain ("molly", "tina", "crystal",
"henry", "will", "hope", "long", "said") are kept out of FIRST_NAMES and listed
in AMBIGUOUS_NAMES: they count as names only after an explicit cue ("my name
is", "my daughter", "officer"). Lookups use lower case without accents
("José" -> "jose").
"""

from __future__ import annotations

from typing import FrozenSet


def _words(text: str) -> FrozenSet[str]:
    return frozenset(text.split())


FIRST_NAMES = _words("""
aaron abdul adam adan adrian ahmad ahmed aidan aiden alan albert alberto alec alejandro alex
alexander alfonso alfred alfredo ali alonzo alvin amir andre andres andrew andy angelo anthony
antoine antonio antwan ariel armando arturo ashton barry benjamin bernard billy blaine
bobby brad braden bradley brady braxton brayden brendan brent brett brian brody bruce bryan
bryce bryson byron caleb calvin cameron carl carlos cedric cesar chad charles chris christopher
clarence clayton clifford clint clinton cody colby colin colton connor corey cornelius cory craig
curtis dale damian damien damon danny dante darius darnell darrell darren daryl dave davey david
davon dawson deandre demarcus demetrius dennis derek derrick deshawn desmond devin devon dewayne
diego dimitri dominic donald donnie donovan dorian douglas duane dustin dwayne dwight dylan
eddie edgar eduardo edward edwin efrain eli elias elijah elliot elliott emanuel emilio emmanuel
enrique eric erick erik ernest ernesto esteban ethan eugene evan everett ezekiel ezra felipe
felix fernando francisco freddie freddy gabriel garrett gary gavin geoffrey gerald gerardo
gilbert giovanni glenn gonzalo gordon graham greg gregory guillermo gustavo harold harvey hector
herbert horace howard hugo humberto ian isaac isaiah ismael ivan jace jacob jaden jaime jake
jakey jalen jamal jamar jamel james jameson jamie jaquan jared jarrod jarvis jason javier jaxon
jayden jaylen jayson jeff jeffery jeffrey jeremiah jeremy jermaine jerome jerry jesse
jimmy joaquin joel joey johnathan johnny jon jonah jonathan jorge jose joseph josh joshua josue
juan julian julio justin kareem keith kelvin kendrick kenneth kenny kevin khalil kirk kobe kurt
kyle lamar lamont landon larry lawrence leon leonard leonardo leroy levi liam lonnie lorenzo
louie louis lucas luis luke malachi malcolm malik manny manuel marco marcos marcus mario marlon
marquis marquise marshawn martin marvin mason mateo matt matthew maurice mauricio maxwell melvin
micah michael miguel mike mikey mitch mitchell mohamed mohammed moises nathan nathaniel neil
nelson nicholas nico noah noel nolan omar oscar owen pablo patrick paul pedro perry
peter phil philip phillip preston quentin quinton rafael ramiro ramon randall randy raul
reggie reginald rene reuben ricardo rick rickey ricky riley robert roberto rodney rodolfo
rodrigo roger roland ron ronald ronnie roy ruben russell ryan salvador sam sammy samuel santiago
scott sean sebastian sergio seth shane shaun shawn sheldon sidney simon spencer stanley stefan
stephen steve steven stevie taylor ted teddy terrance terrell terrence terry theodore thomas
timmy timothy toby todd tommy tony travis tremaine trent trevor trey tristan troy tyler tyree
tyrell tyrese tyrone tyson vernon vicente vincent vinny wayne wesley willie xavier zach zachary
zack zane john william richard daniel george brandon raymond walter arthur logan ralph
rosario nevaeh nate gabe zeke benji jonny johnny matty jojo jj tay bri jen jenn lizzy maddie mel
nat tash trish val vic andi allie alexa kaylin kay freddy pete russ stevie willy nicky
danny mikey tommy chuy pancho lupe paco beto nando ben dan tim tom jim joe bob eddy morgan parker carter tavion keshawn treyvon daquan jermaine lashawn dashawn kwame tariq rashad rasheed
aaliyah abby abigail adriana adrienne aimee alana alejandra alexa alexandra alexis alice alicia
alisha alison allison alma alyssa amanda amelia amy ana anastasia andrea angela angelica angelina
angie anita ann anna anne annette annie antonia ariana arianna ashlee ashley ashlyn athena
audrey ava bailey barbara beatrice beatriz becca becky belinda bella bernadette beth bethany
betsy betty beverly bianca bonnie brandi breanna brenda briana brianna bridget britney
brittani brittany brittney brooke caitlin camila candace cara carla carly carmen carol caroline
carolyn carrie cassandra cassidy cassie catalina catherine cathy cecilia celeste celia chanel
charlene cheryl chloe christine christy ciara cindy claire clara claudia colleen connie
constance courtney cristina cynthia dana daniela danielle daphne darlene deanna debbie deborah
debra dee delia denise desiree diana diane dolores dominique donna doreen doris dorothy
ebony edith elaine eleanor elena elisa elise eliza elizabeth ella ellen eloise elsa emilia emily
emma erica erika erin esmeralda esperanza esther estrella eva evelyn felicia fernanda fiona
frances francesca gabriela gabriella gabrielle georgina gina gloria gretchen guadalupe
gwen gwendolyn hailey haley hannah heather heidi helen ileana imani ingrid irene isabel isabella
isabelle itzel jacqueline jada jaime jamila janelle janet janice janine jasmin jasmine jazmin
jeanette jeanne jenna jennifer jenny jess jessica jessie jillian joan joann joanna jocelyn
jodi johanna josefina josephine joyce juanita judith judy julia juliana julie juliet kaitlyn
kara karen karina karla kasey kate katelyn katherine kathleen kathryn kathy katie katrina kayla
kaylee keisha kelly kelsey kendra keyonna kiara kimberly kim krista kristen kristi kristin
kristina kristy krystal kylie lakeisha lakisha latasha latisha latonya latoya laura lauren
laurie leah leann leila lena leslie leticia lillian lindsay lindsey linda lisa liz lizbeth
lizzie lola lorena lori lorraine lourdes luz lydia lynn lynette mackenzie madeline madelyn
maggie makayla mallory mandy marcia margaret margarita maria mariah maribel marie marilyn
marisa marisol marissa marlene martha maya megan meghan melanie melinda melissa meredith
mia michaela michele michelle mindy miranda monica monique nadia nancy naomi natalia natalie
natasha nia nichole nicole nikki nina noelle norma olga olivia paige pamela paola patricia
paula paulette peggy priscilla rachael rachel rebecca regina renee rhonda rita roberta rochelle
rosa rosalie rosemary roxanne ruth sabrina samantha sandra sara sarah selena serena shanice
shaniqua shannon shari sharon shauna shawna sheila shelby shelly sherri sheryl shirley sofia
sonia sonya sophia sophie stacey stacy stephanie steph susan suzanne sylvia tabitha talia tamara
tameka tamika tammy tania tanisha tanya tara tasha tatiana teresa theresa tiana tiara tiffany
toni tonya tracey traci tracy trisha valerie vanessa veronica vicki vicky victoria vivian wanda
wendy whitney yadira yasmin yesenia yolanda yvette yvonne zoe zoey kyla kenzie jazmine brielle
""") | _words("""
anh bao binh cuong duc duy giang hanh hieu hoa hoang huong huy khanh khoa linh minh ngoc
nguyet nhung phuc phuong quang quoc quynh thanh thao thuy tien trang trinh trung tuan tung
tuyet vinh xuan hien diep dao kieu oanh thuan thang nghia hau
wei jing ming hui xin ying lei jian qiang zhen zhiwei xiaoming meiling jiayi zihan yuxuan
haoran xiaoyu yifan jiahui shu fen
minjun seojun jihoon jimin soyeon eunji sungmin jisoo yuna minji jiyeon hyejin seungho
dongwon jiwoo hyun jiho junho youngsoo eunjung sooyoung
aarav aditya ajay akash amit anil anjali ankit arjun arun ashok deepak deepika divya
ganesh gaurav geeta gita harish harpreet gurpreet jaspreet manpreet navdeep jyoti kavita
kiran krishna lakshmi laxmi mahesh manish manoj meena mohan neha nikhil nisha pooja
pradeep prakash pranav priya rahul rajesh rakesh ramesh ravi rohit sachin sandeep sanjay
santosh sarita shankar shanti shreya siddharth sita sunil sunita suresh tanvi usha varun
vijay vikram vinod vishal yash saanvi ananya aditi ishaan rohan karan asha bikash bishnu
kamala puja sabina tika tenzin dorji pema sonam arvind anand venkat srinivas lalitha
abdullah amina ayesha aisha bilal farah fatima hamza hassan hussein hussain ibrahim idris
imran ismail karim khadija khalid layla mahmoud mariam maryam mohammad muhammad mustafa
nadia noor rashid salma samir youssef yousef yusuf zainab zaid zahra hana rania rana reem
dalia hiba huda iman lina mona nour samira yasmine walid waleed ziad bashir nasser sami
tarek tariq amal suleiman ayman anwar faisal hadi hisham majid marwan nabil rami
saleh yahya zakaria abdulrahman abdelrahman ahmet mehmet mustafa emre murat fatma zeynep
elif burak
abdi abdirahman abdirizak abdullahi ayan asad dahir deeqa faadumo fartun farhan fatuma
habiba hawa hodan ifrah ilhan khadra liban mohamud mahad muna nimco qamar sahra shukri
sagal yasin zamzam ubah idil halima hibo sadia
abebe alemayehu almaz amanuel bereket biniam dawit desta eyerusalem fikre genet girma
hailu kidist mekdes meron mesfin meseret senait tadesse tesfaye tigist tsion yonas
yohannes zewdu hagos berhane tekle kebede getachew mulugeta yared liya samrawit
adebayo adeola adewale ayodele babajide bisi bola bolaji damilola dayo femi folake funke
funmilayo gbenga jide kayode kemi kunle olu oluwaseun olusegun seun segun shola tayo
temitope tobi tunde wale yemi yinka abiodun babatunde oluwatobi titilayo taiwo
kehinde adaeze amaka chidi chidinma chiamaka chinedu chinonso chioma chukwuemeka ebere
ejike emeka ifeanyi ifeoma ikenna kelechi ngozi nkechi nnamdi obinna okechukwu onyeka
uche uchenna nneka chinwe chibuzo ikechukwu somto tochukwu aminu abubakar garba hauwa
musa sani usman yakubu aliyu danjuma kofi kojo kwabena kwaku kwesi akosua abena adwoa
afia akua efua yaw kwadwo
wilner fabiola guerline nadege jacques pierre jeanne ketly wislande rodeline
agnieszka aleksander andrzej bartosz dariusz dorota grzegorz jakub janusz jerzy joanna
kasia katarzyna krzysztof krzys lukasz maciej magdalena malgorzata marek marcin mariusz
mateusz michal pawel piotr rafal stanislaw szymon tomasz tomek wojciech zbigniew zofia
zosia wiktoria basia gosia bogdan boris dmitri dmitry igor oksana olena sergei sergey
svetlana vladimir volodymyr yulia yuri nikolai alexei andrei mykola taras bohdan halyna
iryna mykhailo oleksandr oleksiy petro vasyl viktor viktoria yaroslav anastasiya galina
lyudmila nadezhda anya katya sasha masha misha dasha sveta zhenya yevgeny
xiomara maricela marisela araceli anahi xochitl nayeli citlali rocio consuelo graciela
milagros ximena valeria jimena alondra yaneli abel adolfo agustin alonso alvaro
amado anibal aurelio baltazar bernardo candelario cristian cristobal efren eliseo eusebio
fabian faustino federico fidel heriberto hilario ignacio isidro jacinto leonel lazaro
marcelo mariano nestor octavio osvaldo pascual porfirio raymundo reynaldo
rigoberto rogelio rolando silvestre teodoro tomas ulises valentin wilfredo yahir jairo
brayan yesica yuliana marisa lupita chuy
""")

# Names that are also common words, places or drug slang here: names only after a cue.
AMBIGUOUS_NAMES = _words("""
will mark bill rob pat sue art guy jack ray rose chase drew frank grant hope faith joy june may
april august summer autumn dawn amber jade ruby crystal pearl ivy lily daisy holly robin sandy
rusty brandy candy ginger penny hunter christian angel destiny trinity precious heaven harmony
charity wade lance sterling miles chance max gene don herb mary jane bud rocky nick cliff eve
iris jean sunny sonny buddy honey star river sky storm king prince molly tina christina charlie
henry lucy roxy benny harry emerald misty stormy austin dallas houston phoenix denver chelsea
paris brooklyn dakota georgia virginia carolina florence savannah sydney madison charlotte
jackson lincoln cleveland camden jordan kendall tucker tanner dean rich kat al ed ty jo mo
kenya genesis deja orlando rico ally memo tito grace jesus
hung long tam lan mai yen dung loan thu hai nam lien hong jun fang mei lin ling
dev raj hari prem said sultan ade obi ama esi yaa nana jean rose dulce santos
fares tope loc phat selam socorro maximo
""")

# Common surnames, used only right after a first name or a title.
SURNAMES = _words("""
smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez
gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson harris sanchez
clark ramirez lewis robinson walker allen wright scott torres nguyen hill flores adams nelson
baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz
edwards collins reyes stewart morris morales murphy rogers gutierrez ortiz cooper peterson
bailey reed kelly howard ramos cox ward richardson watson brooks chavez bennett mendoza ruiz
hughes alvarez castillo sanders patel myers ross foster jimenez powell jenkins perry russell
sullivan coleman butler henderson barnes gonzales fisher vasquez simmons romero patterson
hamilton graham reynolds griffin wallace moreno hayes bryant herrera gibson ellis tran medina
aguilar stevens murray castro marshall owens harrison fernandez mcdonald woods washington
kennedy wells vargas chen freeman webb tucker guzman burns crawford olson simpson porter
gordon mendez silva shaw snyder mason dixon munoz hicks holmes palmer wagner robertson boyd
salazar warren mills meyer garza daniels ferguson nichols stephens soto weaver gardner payne
dunn kelley spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight
elliott cunningham duncan armstrong hudson carroll riley andrews alvarado delgado berry
perkins hoffman johnston matthews pena richards contreras willis carpenter lawrence sandoval
guerrero chapman rios estrada ortega watkins greene nunez wheeler valdez harper burke larson
santiago maldonado morrison franklin carlson dominguez lawson jacobs obrien lynch singh vega
bishop montgomery jensen harvey williamson gilbert sims espinoza howell reid hanson mccoy
garrett burton fuller weber welch rojas marquez fields padilla walsh bowman schultz luna fowler
mejia davidson acosta brewer holland juarez newman pearson curtis cortez douglas schneider
barrett navarro figueroa keller avila hopkins campos barnett bates chambers caldwell lambert
ayala lowe frazier neal leonard gregory carrillo sutton fleming rhodes shelton schwartz norris
jennings watts duran walters cohen mcdaniel moran parks steele vaughn becker holt deleon barker
hale haynes horton lyons pham graves thornton wolfe warner cabrera mckinney zimmerman dawson
lara fletcher mccarthy robles cervantes solis erickson reeves klein salinas fuentes baldwin
velasquez hardy higgins aguirre cummings chandler barber bowen ochoa robbins ramsey griffith
blair oconnor cardenas pacheco calderon quinn swanson rivas khan rodgers serrano fitzgerald
rosales stevenson christensen manning mclaughlin harmon mcgee doyle garner newton burgess
reese walton trujillo adkins goodman webster goodwin fischer huang potter montoya hines mullins
castaneda malone cannon tate sherman hubbard hodges guerra valencia saunders franco gallagher
hammond hampton townsend ingram barton schroeder maxwell camacho strickland parsons harrington
glover osborne buchanan floyd patton ibarra suarez bowers orozco salas gibbs andrade bauer
conner escobar mcguire lloyd mueller hartman kramer mcbride velazquez norton mccormick flynn
yates hogan macias villanueva zamora pratt stokes ballard brock villarreal drake barrera pineda
burnett mercado santana shepherd bautista shaffer trevino mckenzie whitaker kowalski okafor
hendricks bernstein goldberg pruitt washington mendez okonkwo nwosu adeyemi jefferson
""") | _words("""
nguyen tran le pham hoang huynh phan vu vo dang bui ngo duong truong dinh lam luong
trinh quach vuong ta chau
wang zhang liu chen yang huang zhao zhou xu sun zhu guo lin gao luo zheng liang xie
tang feng deng cao peng zeng xiao tian yuan cai jiang cheng wei ren shen yao cui zhong
liao jin chan cheung wong leung tsang
kim lee park choi jung kang cho yoon jang lim kwon hwang ahn yoo jeon baek heo seo shin
sharma kumar gupta shah reddy rao iyer nair pillai menon bhatt desai joshi kapoor
malhotra mehta mishra pandey agarwal chaudhary chaudhry verma yadav thakur tiwari
trivedi banerjee chatterjee mukherjee bose ghosh chowdhury rahman hossain siddiqui
qureshi malik awan venkataraman krishnan subramanian iyengar gurung tamang rai magar
thapa shrestha adhikari bhattarai
ahmed ali hassan hussein ibrahim haddad khoury mansour nasser saleh hamdan abbas aziz
darwish habib hakim issa jaber karam khalil masri najjar qasim rashid sabbagh salem
shaheen yousef zaki abdullah yilmaz kaya demir sahin celik ozturk aydin arslan
warsame farah jama osman mohamud aden egal hersi ismail nur yusuf dirie samatar guled
gedi abdi abdullahi
tadesse bekele haile tesfaye kebede girma alemu mengistu hailu desta getachew wolde
okafor okonkwo nwosu adeyemi eze okeke nwachukwu okoro okoye ogunleye oyelaran adebayo
ogundipe olawale balogun bakare akinola ibekwe chukwu anyanwu mbah nnadi udeh uzor ugwu
ekwueme adeleke afolabi ogunbiyi oladipo oyewole bello danladi lawal yakubu mensah
asante boateng owusu osei agyeman appiah darko addo
jean-baptiste toussaint etienne desir dorvil exantus joseph pierre charles francois
nowak kowalski kowalska wisniewski wisniewska wozniak kowalczyk kaminski lewandowski
zielinski szymanski wojcik kozlowski jankowski mazur krawczyk piotrowski grabowski
nowakowski pawlowski michalski nowicki adamczyk dudek zajac wieczorek jablonski majewski
olszewski jaworski wrobel malinowski pawlak witkowski walczak stepien gorski sikora
ostrowski szewczyk tomaszewski pietrzak marciniak zalewski jakubowski jasinski zawadzki
ivanov smirnov kuznetsov popov volkov sokolov petrov kovalenko bondarenko shevchenko
tkachenko kravchenko melnyk boyko koval shevchuk polishchuk lysenko marchenko savchenko
""")

# Domain vocabulary that spaCy or a lexicon may take for a name: never a PERSON.
DOMAIN_TERMS = _words("""
narcan naloxone suboxone subs sub subutex buprenorphine bupe sublocade vivitrol naltrexone
methadone xanax xans xanny bars bar klonopin kpins valium ativan benzo benzos adderall addy
addies ritalin percs perc percocet percocets oxy oxys oxycodone oxycontin roxy roxies
roxicodone vicodin norco hydros dilaudid morphine fent fenty fentanyl fetty dope heroin tar
boy meth crystal ice glass shard tina christina crank speed coke cocaine crack blow snow
charlie molly mdma ecstasy lsd acid shrooms ketamine ket pcp wet kratom kush weed ganja pot
bud herb dab dabs wax k2 spice xylazine tranq gabapentin gabbies lyrica zoloft seroquel
trazodone wellbutrin lean sizzurp codeine promethazine henry lucy mary jane nodding nod
rig rigs works tourniquet cooker cotton strips strip fentanyl-test naloxone-kit detox rehab
samhsa na aa nami narcotics anonymous medicaid medicare snap wic
ig insta instagram snapchat sc tiktok twitter fb facebook discord telegram kik venmo cashapp
paypal reddit whatsapp youtube hulu netflix google uber lyft
""")

# Words that follow a cue ("my son", "call me", "this is", "officer") but are not names.
STOP_WORDS = _words("""
a about above after again against all almost also always am among an and any anybody anyone
anything are around as at away back bad be because been before being below best better
between both but by can cannot cant could couldnt did didnt do does doesnt doing done dont
down during each either else enough even ever every everybody everyone everything few for
from further get gets getting got gonna gotta had hadnt has hasnt have havent having he her
here hers herself him himself his how however i if in into is isnt it its itself just
least less let like lot lots made make many me might mine more most much must my myself
neither never no nobody none nor not nothing now of off often on once one only or other our
ours out over own please rather really same several she should shouldnt since so some
somebody someone something sometimes still such than that the their theirs them then there
these they this those though through to too toward under until up upon us very was wasnt
we were werent what whatever when where whether which while who whoever whom whose why with
within without would wouldnt yet you your yours yourself yall ya u ur ure im ive id ill
lol lmao idk tbh smh omg ok okay k kk yeah yea yes yep no nah nope hey hi hello yo sup
thanks thank thx ty pls plz bc cuz cause wanna gotta kinda sorta prob probably maybe
today tomorrow yesterday tonight now later soon asap sometime someday morning night
afternoon evening week weekend month year day days hours time times again already anymore
here there back home out in up down over away around together alone
sick tired scared afraid fine good great bad ok okay alright sober clean high drunk using
done sorry sad happy mad angry lonely worried stressed depressed anxious ready sure crazy
serious honest real broke homeless pregnant hungry dying dead alive safe hard easy
new old young little big lil baby kid kids son daughter mom mother dad father brother sister
friend friends family boyfriend girlfriend husband wife man woman guy girl dude bro sis
people person someone everyone officer officers worker workers manager practitioner lady
doctor nurse counselor therapist sponsor lawyer judge police cop cops staff team group
house place car phone number name names address email work job school court jail prison
clinic shelter hospital church program meeting meetings waitlist list help
said says say told tell tells asked ask called calls call texted text gave give took take
wants want needs need knows know thinks think went go goes came come left leave keeps keep
found find got get uses used use sells sold buys bought lives lived stays stayed died od odd
ods oded overdosed relapsed quit stopped started tried trying says is was has had
important private anonymous sure
""")

NAME_PREFIXES = _words("lil big baby young ol")

# A name right before one of these is part of an organisation or place ("the trevor project").
ORG_WORDS = _words("""
project foundation center centre clinic hospital institute university college county city
township hall program house street st avenue ave road rd boulevard blvd drive lane park
school church ministries ministry recovery services lifeline
""")

# Short words inside a full name that are not names themselves: "nguyen van minh",
# "mohammed bin salem", "garcia de la cruz", "ludwig van beethoven". A name only
# runs across one when a name-like word follows it.
NAME_PARTICLES = _words("""
al el bin ibn abu bint van von der den de del della di da dos das du la le los las thi
st ter
""")

# Chat spellings, abbreviations and contractions that are not in an English
# dictionary but are not names either ("my friend tryna ...", "my sons ssn ...").
CHAT_WORDS = _words("""
ssn dob bday dl ph tel ebt mrn dui dwi ovi owi ged hiv hcv hep std sti icu ems ptsd adhd ocd
bpd iop php oud sud mat cps dcfs jfs dea atf usps ged gps atm ssi ssdi hud tanf wic snap fema
cdc fda nih ama pov aka eta dm dms pm pms sms mms ig fb sc tbd fyi asap rsvp vs etc
tryna finna gon gonna boutta bout ima imma lowkey highkey prolly def defo deff whos
hes shes theyre thats whats wheres hows ion aint nd n r u ur ya yall tho thru rn irl fr
ngl tbh idk idc ikr smh omg wtf wth af asf lmk hmu bday bff bestie bae fam bro sis cuz
dawg homie nvm ppl sum sumn nun nothin somethin cant wont dont didnt doesnt isnt wasnt
shouldnt couldnt wouldnt havent hasnt hadnt yeah yea yep nope nah ok okay kk lol lmao
lmfao rofl haha hahaha hehe ugh ew hmm umm um uh mm yo ye yup ight aight ard bet tmrw tmr
tmrrw tonite nite ty thx pls plz rly srsly ofc ima iono dunno lemme gimme wanna gotta
kinda sorta outta alot abt bc bcuz cus cuz becuz wit wif dat dis dem den der tha da ova
ova gud gd nvr evr sry soz pic pics vid vids txt msg convo rehab detox meth fent xans
percs subs vivitrol jus juss hella rlly realy bouta zooted geeked turnt faded vape vaped vaping
vapes selfie emoji meme memes hashtag podcast smartphone app apps wifi google googled xbox
playstation nintendo iphone ipad android airpods
""")
